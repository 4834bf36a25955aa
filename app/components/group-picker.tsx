"use client";
// Picking a partner's customer groups in a form. A partner with a handful of groups gets the browser's own controls (a
// select, or checkboxes when several may be picked), which work without JavaScript; one with more gets a searchable
// combobox that asks the server for the groups whose name matches what is typed, so a page never carries hundreds of
// options and every group can be reached (a list cut at some number would hide the rest).
import { useEffect, useId, useRef, useState } from "react";

export type GroupChoice = { id: string; name: string };
/** The partner's first groups by name, and whether they are all of them. */
export type GroupChoices = { choices: GroupChoice[]; complete: boolean };

type Props = {
  /** The partner account whose groups these are. */
  account: string;
  /** The form field: one id (a select's value), or one field per picked group when `multiple`. */
  name: string;
  multiple?: boolean;
  groups: GroupChoices;
  /** Picked when the form is shown. */
  selected?: GroupChoice[];
  /** The visible label (a screen reader's name for the control). */
  label: string;
  /** Single: the option meaning "no group" ("All groups" in a filter); without it one must be chosen. */
  noneLabel?: string;
  className?: string;
};

export function GroupPicker(props: Props) {
  if (props.groups.complete) return props.multiple ? <GroupCheckboxes {...props} /> : <GroupSelect {...props} />;
  return <GroupCombobox {...props} />;
}

function GroupSelect({ name, groups, selected, label, noneLabel, className }: Props) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <select id={id} name={name} defaultValue={selected?.[0]?.id ?? ""} className={`input ${className ?? "w-48"}`}>
        {noneLabel ? (
          <option value="">{noneLabel}</option>
        ) : (
          <option value="" disabled>
            Choose a group…
          </option>
        )}
        {groups.choices.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
    </>
  );
}

function GroupCheckboxes({ name, groups, selected }: Props) {
  const picked = new Set(selected?.map((g) => g.id));
  return (
    <div className="flex max-h-28 flex-wrap gap-x-4 gap-y-1 overflow-y-auto">
      {groups.choices.map((g) => (
        <label key={g.id} className="inline-flex items-center gap-1.5">
          <input type="checkbox" name={name} value={g.id} defaultChecked={picked.has(g.id)} className="h-4 w-4" />
          {g.name}
        </label>
      ))}
    </div>
  );
}

/** The combobox pattern of WAI-ARIA: a text field that filters a list of options, picked with the mouse or the keys. */
function GroupCombobox({ account, name, multiple, selected = [], label, noneLabel, className }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const [picked, setPicked] = useState<GroupChoice[]>(selected);
  const [text, setText] = useState(multiple ? "" : (selected[0]?.name ?? ""));
  const [options, setOptions] = useState<GroupChoice[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState("");
  const input = useRef<HTMLInputElement>(null);

  // Asks for the groups matching what is typed, a moment after the typing stops; an older answer never replaces a newer one.
  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const query = multiple || text !== picked[0]?.name ? text : "";
      fetch(`/${encodeURIComponent(account)}/admin/groups/options?q=${encodeURIComponent(query)}`, { signal: controller.signal })
        .then((r) => (r.ok ? (r.json() as Promise<{ groups: GroupChoice[]; more: boolean }>) : Promise.reject(new Error(String(r.status)))))
        .then((body) => {
          setOptions(body.groups);
          setActive(body.groups.length > 0 ? 0 : -1);
          setStatus(body.groups.length === 0 ? "No group has that in its name." : body.more ? "More groups match: type more of the name." : "");
        })
        .catch((err: unknown) => {
          if (!controller.signal.aborted) setStatus(`The groups could not be loaded (${err instanceof Error ? err.message : "error"}).`);
        });
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [account, open, text, multiple, picked]);

  const choose = (g: GroupChoice) => {
    if (multiple) {
      setPicked((now) => (now.some((p) => p.id === g.id) ? now : [...now, g]));
      setText("");
    } else {
      setPicked([g]);
      setText(g.name);
      setOpen(false);
    }
    input.current?.focus();
  };

  const optionId = (i: number) => `${id}-option-${i}`;
  return (
    <div className={`relative ${className ?? "w-56"}`}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      {picked.map((g) => (
        <input key={g.id} type="hidden" name={name} value={g.id} />
      ))}
      {multiple && picked.length > 0 ? (
        <ul aria-label="Picked groups" className="mb-1 flex flex-wrap gap-1">
          {picked.map((g) => (
            <li key={g.id} className="inline-flex items-center gap-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs">
              {g.name}
              <button
                type="button"
                aria-label={`Remove ${g.name}`}
                className="text-slate-500 hover:text-slate-900"
                onClick={() => setPicked((now) => now.filter((p) => p.id !== g.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        ref={input}
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
        autoComplete="off"
        placeholder={multiple ? "Add a group…" : (noneLabel ?? "Choose a group…")}
        className="input"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          // A single pick follows the text: once it no longer names the group, nothing is picked (in a filter: all).
          if (!multiple && picked[0] && e.target.value !== picked[0].name) setPicked([]);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setOpen(true);
            if (options.length > 0) setActive((i) => (e.key === "ArrowDown" ? (i + 1) % options.length : (i - 1 + options.length) % options.length));
          } else if (e.key === "Enter" && open && active >= 0 && options[active]) {
            e.preventDefault();
            choose(options[active]);
          } else if (e.key === "Escape" && open) {
            e.preventDefault();
            setOpen(false);
          }
        }}
      />
      {open ? (
        <div className="absolute z-20 mt-1 w-full min-w-[14rem] rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg">
          <ul id={listId} role="listbox" aria-label={label} className="max-h-60 overflow-y-auto">
            {options.map((g, i) => (
              <li
                key={g.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={`cursor-pointer px-3 py-1.5 ${i === active ? "bg-blue-50 text-blue-900" : "text-slate-800"}`}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(g)}
              >
                {g.name}
              </li>
            ))}
          </ul>
          {status ? (
            <p className="px-3 py-1.5 text-xs text-slate-500" role="status">
              {status}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
