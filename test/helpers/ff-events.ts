/** Minimal valid FF events for core tests (the FF-specific suites use the simulator). */
export function ffJson(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    packetCounter: String(i),
    carID: String(10_000 + i),
    carState: 'new',
    plateText: `T${String(i).padStart(6, '0')}`,
    plateConfidence: '0.900000',
    carMoveDirection: 'in',
    capture_timestamp: String(1_718_373_876_372 + i),
    sensorProviderID: 'CAM-1',
    ...over,
  };
}

export async function postFf(baseUrl: string, json: unknown, instance = 'default', headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/adapters/ff/${instance}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });
  return { status: res.status, body: await res.json() };
}
