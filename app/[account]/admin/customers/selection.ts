"use client";
// The Customers list's selection, kept as a mail client keeps one: across pages and filters (in this tab, for this
// account), shown truthfully, cleared on request. It is either some customers by identifier, or "all that match" a
// filter, which the bulk actions apply on the server to whatever the filter matches then.
import { useSyncExternalStore } from "react";

export type ListFilter = { q?: string; group?: string; parent?: string; quota?: string };
export type Picked = { identifier: string; name: string };
export type Selection = { kind: "some"; customers: Picked[] } | { kind: "filter"; filter: ListFilter; count: number; more?: boolean; label: string };

/** The most customers a selection holds one by one; past it, "all that match" (or a group) does the job. */
export const MAX_PICKED = 1000;

const NONE: Selection = { kind: "some", customers: [] };
const snapshots = new Map<string, Selection>();
const listeners = new Set<() => void>();
const keyOf = (account: string) => `tenancy:customer-selection:${account}`;

function read(account: string): Selection {
  const cached = snapshots.get(account);
  if (cached) return cached;
  let value: Selection = NONE;
  try {
    const raw = sessionStorage.getItem(keyOf(account));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (isSelection(parsed)) value = parsed;
  } catch {
    // Storage unavailable or spoiled: an empty selection.
  }
  snapshots.set(account, value);
  return value;
}

function isSelection(v: unknown): v is Selection {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Record<string, unknown>;
  if (s.kind === "some") return Array.isArray(s.customers);
  return s.kind === "filter" && typeof s.filter === "object" && typeof s.count === "number";
}

function write(account: string, value: Selection): void {
  snapshots.set(account, value);
  try {
    if (value.kind === "some" && value.customers.length === 0) sessionStorage.removeItem(keyOf(account));
    else sessionStorage.setItem(keyOf(account), JSON.stringify(value));
  } catch {
    // Kept in memory for this page only.
  }
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSelection(account: string): Selection {
  return useSyncExternalStore(
    subscribe,
    () => read(account),
    () => NONE,
  );
}

/** Whether a customer is in the selection (every row is, while "all that match" is selected). */
export function isPicked(sel: Selection, identifier: string): boolean {
  return sel.kind === "filter" || sel.customers.some((c) => c.identifier === identifier);
}

export function pick(account: string, rows: Picked[], on: boolean): void {
  const sel = read(account);
  const current = sel.kind === "some" ? sel.customers : [];
  const without = current.filter((c) => !rows.some((r) => r.identifier === c.identifier));
  write(account, { kind: "some", customers: on ? [...without, ...rows].slice(0, MAX_PICKED) : without });
}

export function pickAllMatching(account: string, filter: ListFilter, count: number, label: string, more = false): void {
  write(account, { kind: "filter", filter, count, more, label });
}

export function clearSelection(account: string): void {
  write(account, NONE);
}

/**
 * The query string that names the selection on the pages the bulk actions open: `customers=a,b`, or `all=1` and the
 * filter (its group as `filterGroup`, since `group` there means deleting a whole group).
 */
export function selectionQuery(sel: Selection): string {
  const params = new URLSearchParams();
  if (sel.kind === "some") {
    if (sel.customers.length) params.set("customers", sel.customers.map((c) => c.identifier).join(","));
  } else {
    params.set("all", "1");
    for (const [k, v] of Object.entries(sel.filter)) if (v) params.set(k === "group" ? "filterGroup" : k, v);
  }
  return params.toString();
}
