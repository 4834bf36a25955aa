import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { IconSprite } from "./components/icons";
import "./globals.css";

export const metadata: Metadata = { title: { default: "Tenancy", template: "%s · Tenancy" }, description: "Customer accounts for multi-tenant services" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so Next can put the request's CSP nonce (see proxy.ts) on its scripts; a page
  // prerendered at build time would carry scripts without one, which the policy blocks.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <IconSprite />
        {children}
      </body>
    </html>
  );
}
