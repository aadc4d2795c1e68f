import { Button, Switch } from "@calcom/ui";
import { f147 } from "@calcom/features/bookings/member147";

import { APP_NAME } from "../lib";

export default function EventTypeAppSettingsInterface() {
  return (
    <div data-app={APP_NAME}>
      <Switch />
      <Button>{f147(1)}</Button>
    </div>
  );
}
