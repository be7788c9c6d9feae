/**
 * The app needs no browser permission (camera, notifications, geolocation, USB, clipboard
 * reads...), so every request and every check is answered "no".
 */
import type { Session } from 'electron';
import type { Logger } from '../services/logger';

export function denyAllPermissions(session: Session, logger?: Pick<Logger, 'warn'>): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    logger?.warn(`Denied a permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
