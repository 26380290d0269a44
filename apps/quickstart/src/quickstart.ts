/**
 * The first thing a newcomer runs. With AZURE_API_KEY and AZURE_API_BASE set it talks to real
 * Azure (deployment from AZURE_DEPLOYMENT, default o1-pro); without them it starts the bundled
 * Azure emulator on loopback so the whole path works offline.
 */
import { completion, responses } from "@dheera/sdk";
import { createAzureEmulator } from "@dheera/azure/testing";

const real = Boolean(process.env.AZURE_API_KEY && process.env.AZURE_API_BASE);
const emulator = real ? undefined : await createAzureEmulator().listen();
if (emulator) {
  process.env.AZURE_API_BASE = emulator.url;
  process.env.AZURE_API_KEY = "test-azure-key";
  process.env.AZURE_API_VERSION ??= "2025-03-01-preview";
  console.log(`No Azure credentials in the environment: using the bundled Azure emulator at ${emulator.url}\n`);
}
const deployment = process.env.AZURE_DEPLOYMENT ?? "o1-pro";

try {
  const response = await responses({
    model: `azure/${deployment}`,
    input: "Tell me a three sentence bedtime story about a unicorn.",
    max_output_tokens: 100,
  });
  console.log("responses():", response.output_text);

  process.stdout.write("responses({ stream: true }): ");
  for await (const event of await responses({ model: `azure/${deployment}`, input: "Tell me a three sentence bedtime story about a unicorn.", stream: true })) {
    if (event.type === "response.output_text.delta") process.stdout.write(event.delta);
  }
  process.stdout.write("\n");

  const chat = await completion({
    model: `azure/responses/${deployment}`,
    messages: [{ role: "user", content: "Hello world" }],
  });
  console.log("completion() through the Responses API:", chat.choices[0]?.message.content);
} finally {
  await emulator?.close();
}
