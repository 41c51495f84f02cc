// Text assets bundled as strings (esbuild `text` loader; a require hook in unit tests).
declare module '*.proto' {
  const text: string;
  export default text;
}
