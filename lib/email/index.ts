// E-mail: recording a message with its intent to send (in the caller's transaction), the transport that sends it, and
// the worker's bookkeeping of each delivery.
export * from "./queue-email";
export * from "./transport";
export * from "./delivery";
