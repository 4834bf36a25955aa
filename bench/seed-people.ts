// A partner whose customers hold `perCustomer` people each (the first of each its Customer Admin), and the partner's
// own admin, seeded set-based: the audience the notice benchmarks address.
import type { Sql } from "postgres";

export type SeededPeople = { id: string; identifier: string; admin: { id: string; email: string; name: string } };

/** `key` names the partner; its customers are `<key>-1`, `<key>-2`, … and their people `<key>-1@bench.test`, … */
export function seedPartnerWithPeople(sql: Sql, opts: { key: string; name: string; customers: number; perCustomer: number }): Promise<SeededPeople> {
  const { key, name, customers, perCustomer } = opts;
  return sql.begin(async (tx) => {
    const [partner] = await tx`insert into customers (identifier, name, kind) values (${key}, ${name}, 'partner') returning id`;
    await tx`insert into customers (identifier, name, parent_id) select ${`${key}-`} || g, 'Customer ' || g, ${partner.id} from generate_series(1, ${customers}) g`;
    await tx`insert into users (email, name) select ${`${key}-`} || g || '@bench.test', 'Person ' || g from generate_series(1, ${customers * perCustomer}) g`;
    await tx`
      insert into memberships (user_id, customer_id, "group")
      select u.id, c.id, case when u.n % ${perCustomer} = 0 then 'customer_admin'::member_group else 'customer_employee'::member_group end
      from (select id, row_number() over (order by id) - 1 as n from users where email like ${`${key}-%`}) u
      join (select id, row_number() over (order by id) - 1 as n from customers where parent_id = ${partner.id}) c on c.n = u.n / ${perCustomer}`;
    const [admin] = await tx`insert into users (email, name) values (${`admin-${key}@bench.test`}, 'Bench Admin') returning id, email, name`;
    await tx`insert into memberships (user_id, customer_id, "group") values (${admin.id}, ${partner.id}, 'partner_admin')`;
    return { id: String(partner.id), identifier: key, admin: { id: String(admin.id), email: String(admin.email), name: String(admin.name) } };
  });
}
