import type { RoutedDeployment } from "@dheera/core";

const labels = new WeakMap<RoutedDeployment, string>();

/**
 * How a deployment appears in logs: its model reference and position, never its key. Made once
 * per deployment: every request's log line and spend row carry it, and an open stream keeps it.
 */
export const deploymentLabel = (d: RoutedDeployment): string => {
  let label = labels.get(d);
  if (label === undefined) labels.set(d, (label = `${d.reference}#${d.index}`));
  return label;
};
