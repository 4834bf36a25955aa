// Outside any account: the same centred frame as sign-in and sign-up.
export { default } from "@/app/(auth)/layout";
