// The classifier against errors the driver really throws: postgres.js (and drizzle around it) pointed at a closed port,
// at a server that accepts and never answers, at one that hangs up, and at one that answers the start-up with an
// error, as PostgreSQL does while shutting down or full.
import net from "node:net";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { ConflictError, UnavailableError } from "./errors";
import { asDatabaseUnavailable, databaseUnavailableCode, isDatabaseUnavailable } from "./unavailable";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A server that does `onConnection` with every socket; its port. */
async function server(onConnection: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    onConnection(socket);
  });
  const close = srv.close.bind(srv);
  srv.close = (cb) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  };
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return (srv.address() as net.AddressInfo).port;
}

/** PostgreSQL's ErrorResponse message, as the server sends it in answer to a start-up. */
function errorResponse(sqlstate: string, message: string): Buffer {
  const fields = Buffer.concat([
    ...[
      ["S", "FATAL"],
      ["V", "FATAL"],
      ["C", sqlstate],
      ["M", message],
    ].map(([k, v]) => Buffer.from(`${k}${v}\0`)),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/** What `select 1` throws through postgres.js and through drizzle, against a database at `port`. */
async function errorsAt(port: number): Promise<{ raw: unknown; wrapped: unknown }> {
  const client = postgres(`postgres://postgres@127.0.0.1:${port}/x`, { connect_timeout: 1, max: 1, fetch_types: false, onnotice: () => {} });
  const failed = (e: unknown) => e;
  const raw = await client`select 1`.then(() => null, failed);
  const wrapped = await drizzle(client)
    .execute(sql`select 1`)
    .then(() => null, failed);
  await client.end({ timeout: 1 });
  return { raw, wrapped };
}

describe("databaseUnavailableCode", () => {
  it("recognises a refused connection, in the driver's error and in drizzle's wrapping of it", async () => {
    const { raw, wrapped } = await errorsAt(await closedPort());
    expect((raw as { code?: string }).code).toBe("ECONNREFUSED");
    expect(databaseUnavailableCode(raw)).toBe("ECONNREFUSED");
    expect(databaseUnavailableCode(wrapped)).toBe("ECONNREFUSED");
  });

  it("recognises a server that accepts the connection and never answers", async () => {
    const { raw, wrapped } = await errorsAt(await server(() => {}));
    expect(databaseUnavailableCode(raw)).toBe("CONNECT_TIMEOUT");
    expect(databaseUnavailableCode(wrapped)).toBe("CONNECT_TIMEOUT");
  });

  it("recognises a server that hangs up while a query runs", async () => {
    // The start-up accepted (AuthenticationOk, ReadyForQuery), then the connection dropped at the first query.
    const ready = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]);
    const port = await server((socket) =>
      socket.once("data", () => {
        socket.write(ready);
        socket.once("data", () => socket.destroy());
      }),
    );
    const { raw, wrapped } = await errorsAt(port);
    expect(databaseUnavailableCode(raw)).toBe("CONNECTION_CLOSED");
    expect(databaseUnavailableCode(wrapped)).toBe("CONNECTION_CLOSED");
  });

  it.each([
    ["57P01", "terminating connection due to administrator command"],
    ["57P03", "the database system is starting up"],
    ["53300", "sorry, too many clients already"],
    ["08006", "connection failure"],
  ])("recognises PostgreSQL refusing the start-up with %s", async (sqlstate, message) => {
    const port = await server((socket) => socket.once("data", () => socket.end(errorResponse(sqlstate, message))));
    const { raw, wrapped } = await errorsAt(port);
    expect((raw as { code?: string }).code).toBe(sqlstate);
    expect(databaseUnavailableCode(raw)).toBe(sqlstate);
    expect(databaseUnavailableCode(wrapped)).toBe(sqlstate);
  });

  it("leaves other server errors alone, whatever their words say", async () => {
    // The words of a refusal with the code of a wrong statement: the code decides.
    const port = await server((socket) => socket.once("data", () => socket.end(errorResponse("42601", "connect ECONNREFUSED: too many clients"))));
    const { raw, wrapped } = await errorsAt(port);
    expect((raw as { code?: string }).code).toBe("42601");
    expect(isDatabaseUnavailable(raw)).toBe(false);
    expect(isDatabaseUnavailable(wrapped)).toBe(false);
    expect(isDatabaseUnavailable(new Error("connect ECONNREFUSED 127.0.0.1:5432"))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Failed query: select 1", { cause: new Error("CONNECTION_CLOSED") }))).toBe(false);
    expect(isDatabaseUnavailable(new ConflictError("taken"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });

  it("tells the domain's UnavailableError about the database from one about the job queue by its service", () => {
    const sameWords = "Something can't be reached.";
    expect(databaseUnavailableCode(new UnavailableError(sameWords))).toBe("unavailable");
    expect(databaseUnavailableCode(new UnavailableError(sameWords, "queue"))).toBeNull();
  });

  it("counts an AggregateError only when every address tried was out of reach", async () => {
    const { raw } = await errorsAt(await closedPort());
    expect(databaseUnavailableCode(new AggregateError([raw, raw]))).toBe("ECONNREFUSED");
    expect(databaseUnavailableCode(new AggregateError([raw, new Error("bug")]))).toBeNull();
  });
});

describe("asDatabaseUnavailable", () => {
  it("turns a driver error into one UnavailableError whose cause names the code only, never the query", async () => {
    const { wrapped } = await errorsAt(await closedPort());
    const err = asDatabaseUnavailable(wrapped);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err?.code).toBe("unavailable");
    expect(err?.service).toBe("database");
    expect(String(err?.cause)).toBe("Error: database unavailable: ECONNREFUSED");
    expect(databaseUnavailableCode(err)).toBe("ECONNREFUSED");
    // Already one: kept as it is. Anything else: not one.
    expect(asDatabaseUnavailable(err)).toBe(err);
    expect(asDatabaseUnavailable(new Error("bug"))).toBeNull();
    expect(asDatabaseUnavailable(new UnavailableError("queue down", "queue"))).toBeNull();
  });
});
