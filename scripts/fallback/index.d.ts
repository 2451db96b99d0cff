// STAND-IN types, used only while js/index.d.ts does not exist yet. Delete once it lands.
export type ErrorCode =
  | 'invalid_options' | 'popup_blocked' | 'cancelled' | 'timeout' | 'state_mismatch'
  | 'authorization_error' | 'invalid_id_token' | 'same_identity' | 'already_linked'
  | 'unauthorized' | 'forbidden' | 'rate_limited' | 'api_error' | 'network_error' | 'destroyed';

export class LinkWidgetError extends Error {
  readonly name: 'LinkWidgetError';
  readonly code: ErrorCode;
  readonly status?: number;
  readonly detail?: string;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly resetAt?: number;
}

export interface Connection { name: string; displayName?: string }

export interface LinkWidgetOptions {
  domain: string;
  clientId: string;
  accessToken?: string | (() => Promise<string>);
  userId?: string;
  connections?: Array<string | Connection>;
  mode?: 'popup' | 'redirect';
  redirectUri?: string;
  language?: string;
  languageDictionary?: Record<string, string>;
  theme?: { primaryColor?: string; logo?: string };
  container?: string | HTMLElement;
  popupTimeoutSeconds?: number;
  legacy?: boolean;
}

export interface LinkWidget {
  show(): void;
  hide(): void;
  on(event: string, listener: (detail: any) => void): () => void;
  off(event: string, listener: (detail: any) => void): void;
  destroy(): void;
}

export function createLinkWidget(options: LinkWidgetOptions): Promise<LinkWidget>;
