// ESLint's flat config for the map's JavaScript (src/cloudmap/static/js: plain browser scripts,
// one per concern, run in the order the page puts them) and the browser tests' in-page helper.
// `npx eslint` from the repository root; CI runs it before the tests (.ci/run).
import js from "@eslint/js";
import globals from "globals";

const shared = {
  ...js.configs.recommended.rules,
  eqeqeq: ["error", "always"],
  "no-implicit-globals": "error",
  "no-shadow": "error",
  "no-unused-vars": ["error", { args: "after-used" }],
  "no-use-before-define": ["error", { functions: false, variables: false }],
  // The page carries our scripts without indentation (cloudmap.render.page.script): no string
  // may span lines.
  "no-multi-str": "error",
  "no-restricted-syntax": ["error", {
    selector: "TemplateLiteral",
    message: "The page strips leading spaces from our scripts: use string concatenation.",
  }],
};

export default [
  {
    files: ["src/cloudmap/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, L: "readonly" },
    },
    rules: shared,
  },
  {
    files: ["tests/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, L: "readonly", cloudmap: "readonly" },
    },
    rules: { ...shared, "no-restricted-syntax": "off" },
  },
];
