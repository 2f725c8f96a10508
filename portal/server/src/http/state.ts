import type { ParameterizedContext } from "koa";
import type { ApiToken } from "../models/ApiToken.js";
import type { Session } from "../models/Session.js";
import type { User } from "../models/User.js";

/** Who made the request, and with which credential. */
export interface AuthState {
  user?: User;
  session?: Session;
  apiToken?: ApiToken;
}

export interface PortalState {
  auth: AuthState;
  requestId: string;
}

export type PortalContext = ParameterizedContext<PortalState>;
