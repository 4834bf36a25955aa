"use client";
// A name and the permanent identifier suggested from it: the suggestion follows the name until the identifier is edited.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Field } from "@/app/components/form";
import type { ActionState } from "@/lib/web";
import { suggestIdentifier } from "@/lib/core";

/** "<noun> name" and "<noun> identifier" fields (posted as `name` and `identifier`); both clear when their form is reset. */
export function NameIdentifierFields({
  noun,
  state,
  identifierHint,
  autoComplete,
  disabled,
}: {
  noun: string;
  state: ActionState;
  identifierHint: ReactNode;
  autoComplete?: string;
  disabled?: boolean;
}) {
  const [name, setName] = useState("");
  const [identifier, setIdentifier] = useState<string | null>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const form = nameInput.current?.form;
    const clear = () => {
      setName("");
      setIdentifier(null);
    };
    form?.addEventListener("reset", clear);
    return () => form?.removeEventListener("reset", clear);
  }, []);
  const shared = { state, autoComplete, disabled };
  return (
    <>
      <Field ref={nameInput} name="name" label={`${noun} name`} value={name} onChange={(e) => setName(e.target.value)} {...shared} />
      <Field
        name="identifier"
        label={`${noun} identifier`}
        value={identifier ?? suggestIdentifier(name)}
        onChange={(e) => setIdentifier(e.target.value)}
        inputClassName="font-mono"
        spellCheck={false}
        hint={identifierHint}
        {...shared}
      />
    </>
  );
}
