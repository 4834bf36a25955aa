// E-mail: recording a message with its intent to send (in the caller's transaction) and the transport that sends it.
export * from "./queue-email";
export * from "./transport";
