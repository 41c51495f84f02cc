// Parses `adb devices -l`: after the "List of devices attached" header, one line per device:
// `<serial> <state> [key:value ...]` (adb pads the serial to 22 columns; product/model/device/
// transport_id are only there when the device told them in its CNXN banner).

export type AdbDeviceState =
  | 'device'
  | 'offline'
  | 'unauthorized'
  | 'authorizing'
  | 'connecting'
  | 'no permissions'
  | 'recovery'
  | 'sideload'
  | 'bootloader'
  | 'host'
  | string;

export interface AdbDeviceEntry {
  serial: string;
  state: AdbDeviceState;
  product?: string;
  model?: string;
  device?: string;
  transportId?: string;
  usb?: string;
}

export function parseDeviceList(text: string): AdbDeviceEntry[] {
  const out: AdbDeviceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('List of devices') || line.startsWith('* ')) continue;
    // "no permissions (user in plugdev group; ...)" is one state with spaces; cut it out first.
    const m = /^(\S+)\s+(no permissions(?: \([^)]*\))?|\S+)(.*)$/.exec(line);
    if (!m) continue;
    const entry: AdbDeviceEntry = { serial: m[1], state: m[2].startsWith('no permissions') ? 'no permissions' : m[2] };
    for (const field of m[3].trim().split(/\s+/).filter(Boolean)) {
      const colon = field.indexOf(':');
      if (colon <= 0) continue;
      const key = field.slice(0, colon);
      const value = field.slice(colon + 1);
      if (key === 'product') entry.product = value;
      else if (key === 'model') entry.model = value;
      else if (key === 'device') entry.device = value;
      else if (key === 'transport_id') entry.transportId = value;
      else if (key === 'usb') entry.usb = value;
    }
    out.push(entry);
  }
  return out;
}
