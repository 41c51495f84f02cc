// One error type for the adb link, with a stable code the campaign runner branches on and a
// message that can be shown to the user as is (it names the device and says what to do).
export type AdbErrorCode =
  | 'adb-missing'
  | 'no-device'
  | 'unauthorized'
  | 'offline'
  | 'connect-failed'
  | 'connection-lost'
  | 'cancelled'
  | 'timeout'
  | 'output-too-large'
  | 'transfer-failed'
  | 'adb-failed';

export class AdbError extends Error {
  override name = 'AdbError';
  constructor(
    message: string,
    readonly code: AdbErrorCode,
  ) {
    super(message);
  }
}

/** Reads adb's stderr for the device-state errors it prints ("error: device offline", …). */
export function classifyAdbFailure(serial: string, stderr: string): AdbError {
  const text = stderr.trim();
  const last = text.split('\n').filter(Boolean)[0] ?? '';
  if (/unauthorized/i.test(text)) {
    return new AdbError(
      `Android device ${serial} is unauthorised: unlock it and accept "Allow USB debugging" for this computer, then try again.`,
      'unauthorized',
    );
  }
  if (/device offline/i.test(text)) {
    return new AdbError(
      `Android device ${serial} is offline (adb sees it but it does not answer): reconnect it (adb reconnect, or re-plug USB / re-enable wireless debugging).`,
      'offline',
    );
  }
  if (/not found|no devices\/emulators found/i.test(text)) {
    return new AdbError(`Android device ${serial} is not connected (adb devices does not list it).`, 'no-device');
  }
  if (/error: closed|protocol fault|connection reset|broken pipe|couldn't read from device/i.test(text)) {
    return new AdbError(`Lost the adb connection to ${serial} (${last}).`, 'connection-lost');
  }
  return new AdbError(`adb failed for ${serial}: ${last || 'no message'}`, 'adb-failed');
}
