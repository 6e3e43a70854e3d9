export async function socketsScenario() { return null; }
