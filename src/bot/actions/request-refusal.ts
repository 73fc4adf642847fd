import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import type { Person } from '../../services/link/link-request';
import { LinkRequestError } from '../../services/link/request-store';
import { requestCard } from '../cards/request-cards';
import { viewerOf } from '../views/request';
import { cardResponse, messageResponse } from './card-action';

/**
 * The answer to a click on a request card that the request store refused: the request's card as
 * it is now, as `actor` sees it, with the refusal under it; the refusal alone for a request Anchor
 * does not know. Anything but a {@link LinkRequestError} is rethrown.
 */
export function requestRefusal(err: unknown, actor: Person): AdaptiveCardInvokeResponse {
  if (!(err instanceof LinkRequestError)) throw err;
  const current = err.request;
  return current
    ? cardResponse(requestCard(current, viewerOf(current, actor), err.message))
    : messageResponse(err.message);
}
