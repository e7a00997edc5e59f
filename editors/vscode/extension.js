// A minimal VS Code client for `lint-policies server` (see the README, "Editors").
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("lint-policies").get("command");
  client = new LanguageClient(
    "lint-policies",
    "lint-policies",
    { command, args },
    {
      documentSelector: [
        { scheme: "file", language: "json" },
        { scheme: "file", language: "jsonc" },
        { scheme: "file", language: "yaml" },
        { scheme: "file", language: "terraform" },
      ],
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
