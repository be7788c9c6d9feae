/**
 * App Service Authentication's providers, by the name its URLs use; any other name is a custom
 * provider. Its own zod-free module so the renderer can list them without loading the IPC
 * contract's schemas (and zod) into its bundle; common/ipc-contract.ts re-exports it.
 */
export const SIGN_IN_PROVIDERS = [
  { id: 'aad', label: 'Microsoft Entra ID' },
  { id: 'microsoftaccount', label: 'Microsoft account' },
  { id: 'google', label: 'Google' },
  { id: 'facebook', label: 'Facebook' },
  { id: 'twitter', label: 'X' },
  { id: 'apple', label: 'Apple' },
] as const;
