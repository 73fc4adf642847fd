import type { LinkRequest, Person } from '../../services/link/link-request';
import type { RequestViewer } from '../views/request';

/** Which view of a request card `actor` gets: the requester's own, or the approvers'. */
export function viewerFor(request: LinkRequest, actor: Person): RequestViewer {
  return request.requester.aadObjectId.toLowerCase() === actor.aadObjectId.toLowerCase()
    ? 'requester'
    : 'approvers';
}
