// Bundles the command line (and, later, the extension and the debug adapter) for Node.
// iced-x86 loads its wasm from __dirname at run time, so the .wasm is copied next to the bundles,
// and so is the kernel tree (its .S sources and syscall tables are read at run time).
'use strict';
const path = require('path');
const webpack = require('webpack');
const CopyPlugin = require('copy-webpack-plugin');

module.exports = {
  target: 'node',
  entry: {
    cli: './adapter/cli.ts',
    adapter: './adapter/dap/main.ts',
    extension: './extension/extension.ts',
  },
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: '[name].js',
    library: { type: 'commonjs2' },
  },
  node: { __dirname: false, __filename: false },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [{ test: /\.ts$/, exclude: /node_modules/, use: [{ loader: 'ts-loader', options: { transpileOnly: true } }] }],
  },
  externals: { vscode: 'commonjs vscode' },
  devtool: 'source-map',
  performance: { hints: false },
  plugins: [
    new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, include: /^cli\.js$/ }),
    new CopyPlugin({
      patterns: [
        { from: 'node_modules/iced-x86/iced_x86_bg.wasm', to: '.' },
        // The kernel's sources: assembled at start-up, opened by the debugger, listed by `syscalls`.
        { from: 'emulator/kernel', to: 'kernel', globOptions: { ignore: ['**/*.ts'] } },
      ],
    }),
  ],
};
