import type { ParameterizedContext } from "koa";
import type { Membership } from "../services/projects/index.js";
import type { ApiToken } from "../models/ApiToken.js";
import type { Session } from "../models/Session.js";
import type { User } from "../models/User.js";
import type { TokenLimits } from "../access/token-scope.js";

/** Who made the request, and with which credential. */
export interface AuthState {
  user?: User;
  session?: Session;
  apiToken?: ApiToken;
  /** A limited token's project and role (token-scope.ts); undefined for sessions and unlimited tokens. */
  limits?: TokenLimits;
}

export interface PortalState {
  auth: AuthState;
  /** Set by `withProject` (project-access.ts) on routes of one project. */
  membership?: Membership;
  requestId: string;
}

export type PortalContext = ParameterizedContext<PortalState>;
