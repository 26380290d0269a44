import type { ProxyDeployment } from "../routing/resolve-deployments.js";

/** How a deployment appears in logs: its model reference and position, never its key. */
export const deploymentLabel = (d: ProxyDeployment): string => `${d.reference}#${d.index}`;
