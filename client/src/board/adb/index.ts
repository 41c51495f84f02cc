export { AdbClientOptions, runAdb } from './adb-command';
export { AdbDevice, AdbShellOptions, AdbShellResult, isTcpSerial, shellCommand } from './adb-device';
export { AdbError, AdbErrorCode } from './adb-errors';
export { AdbDeviceEntry, parseDeviceList } from './device-list';
