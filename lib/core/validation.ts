// Field rules shared by every form, the server and the tests, in plain words.
import { z } from "zod";
import { InvalidInputError } from "./errors";

// Top-level paths of the app: an account named like one of them could never be reached by its URL.
export const RESERVED_IDENTIFIERS = new Set([
  "api",
  "dev",
  "sign-in",
  "sign-up",
  "sign-out",
  "invitations",
  "admin",
  "operator",
  "profile",
  "forgot-password",
  "reset-password",
  "verify-email",
  "static",
  "public",
  "_next",
]);

export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9-]{2,39}$/;

export const identifierSchema = z
  .string()
  .trim()
  // "ACME" means acme: identifiers are compared case-insensitively anyway, so what is typed is lower-cased, not refused.
  .toLowerCase()
  .min(3, "The identifier needs at least 3 characters.")
  .max(40, "The identifier can have at most 40 characters.")
  .regex(/^[a-z]/, "The identifier must start with a letter.")
  .regex(IDENTIFIER_PATTERN, "Use only lowercase letters, digits and hyphens.")
  .refine((v) => !RESERVED_IDENTIFIERS.has(v), "This word is reserved by Tenancy. Please choose another identifier.");

// Control characters (NUL among them, which PostgreSQL refuses in text) and the bidirectional overrides that make a
// name display as something else have no place in a name or an address.
const HIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** A text field that refuses invisible control characters (they make look-alike names). */
export const visible = (s: z.ZodString) => s.refine((v) => !HIDDEN_CHARACTERS.test(v), "Remove the invisible control characters.");

/** An optional free text (a description): trimmed, bounded, no invisible control characters. */
export const optionalTextSchema = (max: number, what = "This text") =>
  visible(z.string().trim().max(max, `${what} can have at most ${max} characters.`))
    .optional()
    .default("");

/** A reference to an account by its identifier, as a form or a URL sends it; anything else can name no account. */
export const identifierRefSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]{1,40}$/, "No account has this identifier.");

export const nameSchema = visible(z.string().trim().min(1, "Please enter a name.").max(120, "The name can have at most 120 characters."));

export const fullNameSchema = visible(z.string().trim().min(1, "Please enter the full name.").max(120, "The full name can have at most 120 characters."));

export const emailSchema = z
  .string()
  .trim()
  .min(1, "Please enter an e-mail address.")
  .max(254, "That e-mail address is too long.")
  .pipe(z.email("That doesn't look like an e-mail address."));

export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters.")
  .max(200, "Use at most 200 characters.")
  .refine((p) => /[a-zA-Z]/.test(p) && /[^a-zA-Z]/.test(p), "Mix letters with digits or symbols.")
  .refine((p) => new Set(p).size >= 5, "That password is too easy to guess.");

/** Latin letters that no Unicode decomposition turns into ASCII, spelled the way their languages transliterate them. */
const TRANSLITERATIONS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  å: "a",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ħ: "h",
  ŀ: "l",
  ŋ: "ng",
};

/**
 * Suggests an identifier from an account name: "Acme Cloud GmbH" → "acme-cloud-gmbh", "Ünïcødé 日本語" → "unicode".
 * Accents go (NFKD, then the combining marks), letters without a decomposition are transliterated, and what has no
 * Latin spelling is dropped.
 */
export function suggestIdentifier(name: string): string {
  let id = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[ßæœøåłđðþıħŀŋ]/g, (c) => TRANSLITERATIONS[c])
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  if (id.length > 0 && id.length < 3) id = `${id}-account`.slice(0, 40);
  return id;
}

/** ISO 13616 check: country code, two check digits, then the basic bank account number; mod 97 must be 1. */
export function isValidIban(input: string): boolean {
  const iban = input.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= "A" ? (ch.charCodeAt(0) - 55).toString() : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

export function formatIban(input: string): string {
  return input
    .replace(/\s+/g, "")
    .toUpperCase()
    .replace(/(.{4})/g, "$1 ")
    .trim();
}

export const ibanSchema = z
  .string()
  .trim()
  .min(1, "Please enter the IBAN.")
  .refine(isValidIban, "That IBAN is not valid: check the country code and the digits.")
  .transform((v) => v.replace(/\s+/g, "").toUpperCase());

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} can have at most ${max} characters.`)
    .refine((v) => !HIDDEN_CHARACTERS.test(v), "Remove the invisible control characters.")
    .nullish()
    .transform((v) => (v ? v : null));

export const settingsSchema = z
  .object({
    name: nameSchema,
    taxId: optionalText(40, "The tax ID"),
    billingStreet: optionalText(200, "The street"),
    billingPostalCode: optionalText(20, "The postal code"),
    billingCity: optionalText(100, "The city"),
    billingCountry: optionalText(100, "The country"),
    paymentMethod: z.enum(["invoice", "sepa_debit"], "Choose a payment method."),
    sepaAccountHolder: optionalText(120, "The account holder"),
    sepaIban: z.string().trim().nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.paymentMethod !== "sepa_debit") return;
    if (!v.sepaAccountHolder) ctx.addIssue({ code: "custom", path: ["sepaAccountHolder"], message: "Please enter the account holder." });
    if (!v.sepaIban) ctx.addIssue({ code: "custom", path: ["sepaIban"], message: "Please enter the IBAN." });
    else if (!isValidIban(v.sepaIban))
      ctx.addIssue({ code: "custom", path: ["sepaIban"], message: "That IBAN is not valid: check the country code and the digits." });
  })
  .transform((v) => ({
    ...v,
    sepaAccountHolder: v.paymentMethod === "sepa_debit" ? v.sepaAccountHolder : null,
    sepaIban: v.paymentMethod === "sepa_debit" && v.sepaIban ? v.sepaIban.replace(/\s+/g, "").toUpperCase() : null,
  }));

export type SettingsInput = z.infer<typeof settingsSchema>;

/** A text field that may be left empty (null); an e-mail or id check runs only on what was entered. */
const optionalValue = z
  .string()
  .trim()
  .nullish()
  .transform((v) => (v ? v : null));

/**
 * A customer's details: what its partner (or its own admins) keep about it, and where its users land after signing
 * in. The name is optional so a form that leaves it to another (the account settings) doesn't send it.
 */
export const customerDetailsSchema = z.object({
  name: nameSchema.optional(),
  description: optionalText(1000, "The description"),
  contactEmail: optionalValue.pipe(z.email("That doesn't look like an e-mail address.").max(254, "That e-mail address is too long.").nullable()),
  contactPhone: optionalText(40, "The phone number").refine(
    (v) => v === null || /^\+?[0-9][0-9 ()./-]*$/.test(v),
    "Use digits, spaces and + ( ) - . / only, e.g. +49 30 1234567.",
  ),
  country: optionalText(100, "The country"),
  state: optionalText(100, "The state"),
  city: optionalText(100, "The city"),
  postalCode: optionalText(20, "The postal code"),
  addressLine1: optionalText(200, "The address line"),
  addressLine2: optionalText(200, "The address line"),
  /** A project of the customer, or none for the account overview. */
  homeProject: optionalValue.pipe(z.uuid("Pick the home page from the list.").nullable()),
});

export type CustomerDetailsInput = z.input<typeof customerDetailsSchema>;

/** Flattens zod issues into one plain message per field. */
export function toFieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}

/** Parses an operation's input; bad input is an InvalidInputError with one message per field, never a crash. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors = toFieldErrors(parsed.error);
  const messages = Object.values(fieldErrors);
  throw new InvalidInputError(messages.length === 1 ? messages[0] : "Please correct the highlighted fields.", fieldErrors);
}
