/** What a page shows when its window has no data: why, and what to do about it. */
export function EmptyState({
  title,
  children,
  testId,
}: {
  title: string
  children?: React.ReactNode
  testId?: string
}) {
  return (
    <section className="panel empty-state" data-testid={testId ?? 'empty-state'}>
      <h2>{title}</h2>
      {children}
    </section>
  )
}
