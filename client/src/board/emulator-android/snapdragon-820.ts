// What the emulated phone looks like from a shell: an Android 7.0 MSM8996 (Snapdragon 820) handset's
// properties, /proc/cpuinfo (two Kryo clusters: CPU part 0x211 "performance", 0x205 "efficiency")
// and cpufreq maxima. Values follow the AOSP/Qualcomm layouts of that generation.

export const SNAPDRAGON_820_PROPS: ReadonlyArray<[string, string]> = [
  ['ro.product.name', 'sd820_emu'],
  ['ro.product.model', 'Snapdragon_820_(emulated)'],
  ['ro.product.device', 'msm8996'],
  ['ro.product.manufacturer', 'Energy Lens'],
  ['ro.product.brand', 'energy-lens'],
  ['ro.board.platform', 'msm8996'],
  ['ro.hardware', 'qcom'],
  ['ro.product.cpu.abi', 'arm64-v8a'],
  ['ro.product.cpu.abilist', 'arm64-v8a,armeabi-v7a,armeabi'],
  ['ro.build.version.release', '7.0'],
  ['ro.build.version.sdk', '24'],
  ['ro.build.type', 'userdebug'],
  ['ro.adb.secure', '0'],
  ['ro.serialno', 'EMU820'],
  ['ro.kernel.version', '3.18.31'],
  ['energylens.emulated', '1'],
];

/** Kryo in the MSM8996: cores 0-1 the low-power cluster (1.59 GHz), 2-3 the performance one (2.15 GHz). */
export const CPU_CLUSTERS = [
  { cores: [0, 1], part: '0x211', maxKhz: 1593600 },
  { cores: [2, 3], part: '0x205', maxKhz: 2150400 },
];

export function cpuinfo(): string {
  const blocks = CPU_CLUSTERS.flatMap((c) =>
    c.cores.map((n) =>
      [
        `processor\t: ${n}`,
        'BogoMIPS\t: 38.40',
        'Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32',
        'CPU implementer\t: 0x51',
        'CPU architecture: 8',
        'CPU variant\t: 0x1',
        `CPU part\t: ${c.part}`,
        'CPU revision\t: 1',
        '',
      ].join('\n'),
    ),
  );
  return `Processor\t: AArch64 Processor rev 1 (aarch64)\n${blocks.join('\n')}\nHardware\t: Qualcomm Technologies, Inc MSM8996\n`;
}
