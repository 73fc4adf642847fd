import { Azurite } from './azurite';
import { SambaDc } from './samba-dc';

let samba: Promise<SambaDc> | undefined;
let azurite: Promise<Azurite> | undefined;

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

/**
 * The one Azurite (blob service) of this test run, started on first use on a port of its own.
 * Tests share it and keep apart by container (Azurite.containerName()); the root hook stops it.
 */
export function sharedAzurite(): Promise<Azurite> {
  azurite ??= Azurite.start();
  return azurite;
}

/** Stops whatever shared fixture was started. */
export async function stopSharedFixtures(): Promise<void> {
  if (azurite) {
    const blob = await azurite.catch(() => undefined);
    azurite = undefined;
    await blob?.stop();
  }
  if (samba) {
    const dc = await samba.catch(() => undefined);
    samba = undefined;
    await dc?.stop();
  }
}
