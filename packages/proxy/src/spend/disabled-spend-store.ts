import { NotFoundError } from "@dheera/core";
import type { SpendStore } from "./spend-store.js";

const disabled = () =>
  Promise.reject(
    new NotFoundError("Spend logs are disabled on this proxy (general_settings.disable_spend_logs).", { code: "spend_logs_disabled" }),
  );

/** `disable_spend_logs: true`: nothing is stored, nothing is started, reads answer 404. */
export const disabledSpendStore: SpendStore = {
  backend: "disabled",
  location: "none",
  migrate: async () => ({ version: 0, applied: [] }),
  insert: async () => {},
  logs: disabled,
  summary: disabled,
  close: async () => {},
};
