import { describe, expect, it } from "vitest";
import { fullNameSchema, identifierSchema, isValidIban, nameSchema, passwordSchema, settingsSchema, suggestIdentifier } from "./validation";

describe("identifier", () => {
  it.each(["acme", "acme-cloud-2", "a-b", "a".repeat(40)])("accepts %s", (v) => expect(identifierSchema.safeParse(v).success).toBe(true));
  it.each(["ab", "1acme", "acme cloud", "acme_cloud", "a".repeat(41), "-acme", "sign-in", "api"])("refuses %s", (v) =>
    expect(identifierSchema.safeParse(v).success).toBe(false),
  );
  it("lower-cases what is typed instead of refusing it", () => {
    expect(identifierSchema.parse(" ACME-Cloud ")).toBe("acme-cloud");
  });
  it("is suggested from the account name", () => {
    expect(suggestIdentifier("Ünïcødé 日本語")).toBe("unicode");
    expect(suggestIdentifier("Ærøskøbing Łódź")).toBe("aeroskobing-lodz");
    expect(suggestIdentifier("Acme Cloud GmbH")).toBe("acme-cloud-gmbh");
    expect(suggestIdentifier("Müller & Söhne")).toBe("muller-sohne");
    expect(suggestIdentifier("42 Labs")).toBe("labs");
    expect(suggestIdentifier("IT")).toBe("it-account");
    expect(identifierSchema.safeParse(suggestIdentifier("Straße der Pariser Kommune 12, Berlin — Engineering Department")).success).toBe(true);
  });
});

describe("IBAN", () => {
  it.each(["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "fr1420041010050500013m02606", "NL91ABNA0417164300"])("accepts %s", (v) =>
    expect(isValidIban(v)).toBe(true),
  );
  it.each(["DE89 3704 0044 0532 0130 01", "GB82WEST1234569876543X", "4111111111111111", "DE00", ""])("refuses %s", (v) => expect(isValidIban(v)).toBe(false));
  it("is required, and checked, only for SEPA direct debit", () => {
    const bad = settingsSchema.safeParse({ name: "A", paymentMethod: "sepa_debit", sepaAccountHolder: "A", sepaIban: "DE89370400440532013001" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(["sepaIban"]);
    const invoice = settingsSchema.parse({ name: "A", paymentMethod: "invoice", sepaIban: "garbage" });
    expect(invoice.sepaIban).toBeNull();
  });
});

describe("password", () => {
  it.each(["short1", "aaaaaaaaaaaa", "1234567890", "aaaaaaaaa1"])("refuses weak %s", (v) => expect(passwordSchema.safeParse(v).success).toBe(false));
  it("accepts a reasonable one", () => expect(passwordSchema.safeParse("correct-horse-42").success).toBe(true));
});

describe("hidden characters", () => {
  it("refuses control characters and bidirectional overrides in names and optional text, with a plain message", () => {
    for (const bad of ["a\u0000b", "tab\u0007bell", "evil\u202etxt.exe", "x\u2066y"]) {
      const name = nameSchema.safeParse(bad);
      expect(name.success).toBe(false);
      expect(name.error?.issues[0].message).toBe("Remove the invisible control characters.");
      expect(fullNameSchema.safeParse(bad).success).toBe(false);
      expect(settingsSchema.safeParse({ name: "Ok", paymentMethod: "invoice", billingCity: bad }).success).toBe(false);
    }
    expect(nameSchema.safeParse("Zoë Ünïcødé 日本語").success).toBe(true);
  });
});
