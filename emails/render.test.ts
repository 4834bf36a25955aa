import { describe, expect, it } from "vitest";
import InvitationEmail from "./invitation";
import SignUpAttemptEmail from "./sign-up-attempt";
import WelcomeEmail from "./welcome";
import { renderEmail } from "./index";

describe("e-mail templates", () => {
  it("render the invitation with inviter, account, accept link and expiry, as HTML and text", async () => {
    const props = InvitationEmail.PreviewProps;
    const mail = await renderEmail("invitation", props);
    expect(mail.subject).toBe("Ada Lovelace invited you to Analytical Engines Ltd on Tenancy");
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain("Analytical Engines Ltd");
      expect(part).toContain(props.acceptUrl);
      expect(part).toContain("Customer Employee");
      expect(part).toContain("2030");
    }
    expect(mail.html).toMatch(/^<!DOCTYPE html/);
    expect(mail.text).not.toContain("<");
  });

  it("render the welcome e-mail with the permanent identifier", async () => {
    const mail = await renderEmail("welcome", WelcomeEmail.PreviewProps);
    expect(mail.subject).toBe("Welcome to Tenancy, Ada Lovelace");
    expect(mail.text).toContain("analytical-engines");
    expect(mail.text).toContain("never changes");
  });

  it("render the sign-up attempt notice with a way to sign in and one to reset the password", async () => {
    const props = SignUpAttemptEmail.PreviewProps;
    const mail = await renderEmail("sign-up-attempt", props);
    expect(mail.subject).toBe("Someone tried to sign up with your address");
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(props.signInUrl);
      expect(part).toContain(props.resetUrl);
    }
  });

  it("escape what people typed", async () => {
    const mail = await renderEmail("invitation", { ...InvitationEmail.PreviewProps, accountName: "<script>alert(1)</script>" });
    expect(mail.html).not.toContain("<script>");
  });
});
