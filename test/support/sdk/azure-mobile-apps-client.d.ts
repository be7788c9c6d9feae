// The official SDK ships no type declarations; ./sdk-types.ts describes what we use of it.
declare module 'azure-mobile-apps-client' {
  const sdk: import('./sdk-types').AzureMobileAppsClientModule;
  export = sdk;
}
