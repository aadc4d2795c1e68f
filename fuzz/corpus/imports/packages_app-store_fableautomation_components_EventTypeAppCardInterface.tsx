import { Button, Switch } from "@calcom/ui";
import { f209 } from "@calcom/features/schedules/audit209";

import { APP_NAME } from "../lib";

export default function EventTypeAppCardInterface() {
  return (
    <div data-app={APP_NAME}>
      <Switch />
      <Button>{f209(1)}</Button>
    </div>
  );
}
