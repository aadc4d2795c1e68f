// packages/ui/components/bookings/location103.tsx (generated sample module)

import type { T33 } from "@calcom/lib/bookings/attendee33";
import { f65, K65 } from "@calcom/lib/schedules/limit65";

export type T103 = { id: number; dep33?: T33; label: string };

export const K103 = 6;

export function f103(n: number): number {
  return n + K103 + f65(n) + K65;
}

export function View103(props: { value?: T103 }) {
  return <span data-id={props.value?.id}>{f103(1)}</span>;
}
