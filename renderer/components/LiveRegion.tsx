/** The polite live region behind useAnnouncer: invisible, read by screen readers. */
export function LiveRegion({ message }: { message: string }) {
  return (
    <div class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {message}
    </div>
  );
}
