// The error generate:infra and its roots slots report to the user (a message, no stack trace). Pure.

export class GenerateInfraError extends Error {}
