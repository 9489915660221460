/** Pieces both statecharts share: placeholder step logic and the one-line reason of a failed step. */
import { fromPromise } from "xstate";

/** Placeholder logic: the real steps are supplied with machine.provide({ actors }). */
export function notProvided<TOutput, TInput>(machine: string, name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`${machine} step "${name}" was not provided`);
  });
}

/** Turns an actor error into the one-line reason stored with the clip or production. */
export function errorReason(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0]!;
  return String(error);
}
