import type { RoutedDeployment } from "@dheera/core";

/** How a deployment appears in logs: its model reference and position, never its key. */
export const deploymentLabel = (d: RoutedDeployment): string => `${d.reference}#${d.index}`;
