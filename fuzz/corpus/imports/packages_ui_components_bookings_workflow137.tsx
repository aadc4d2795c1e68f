// packages/ui/components/bookings/workflow137.tsx (generated sample module)

import type { T14 } from "@calcom/lib/bookings/digest14";
import { f28, K28 } from "@calcom/lib/bookings/embed28";
import { f132, K132 } from "./venue132";

export type T137 = { id: number; dep14?: T14; label: string };

export const K137 = 40;

export function f137(n: number): number {
  return n + K137 + f28(n) + K28 + f132(n) + K132;
}

export function View137(props: { value?: T137 }) {
  return <span data-id={props.value?.id}>{f137(1)}</span>;
}
