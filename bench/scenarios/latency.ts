export async function latencyScenario() { return null; }
