import { SambaDc } from './samba-dc';

let samba: Promise<SambaDc> | undefined;

/**
 * The one Samba DC of this test run, started and seeded on first use. Samba's LDAP ports are
 * fixed, so every suite shares it; the root hook stops it when the run ends.
 */
export function sharedSambaDc(): Promise<SambaDc> {
  samba ??= SambaDc.start().then(async (dc) => {
    await dc.seed();
    return dc;
  });
  return samba;
}

/** Stops whatever shared fixture was started. */
export async function stopSharedFixtures(): Promise<void> {
  if (samba) {
    const dc = await samba.catch(() => undefined);
    samba = undefined;
    await dc?.stop();
  }
}
