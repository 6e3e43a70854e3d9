export async function unreadScenario() { return null; }
