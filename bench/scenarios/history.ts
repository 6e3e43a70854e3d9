export async function historyScenario() { return null; }
