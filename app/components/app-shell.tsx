import { Form, Link, NavLink } from '@remix-run/react'
import type { NavSection } from '../utils/navigation.ts'
import { NavCount } from './review/nav-count.tsx'

export interface ShellUser {
  name: string
  email: string
  roles: string[]
}

export function AppShell({
  user,
  sections,
  children,
}: {
  user: ShellUser
  sections: NavSection[]
  children: React.ReactNode
}) {
  return (
    <div className="shell">
      <aside className="sidebar">
        <Link to="/" className="brand" aria-label="Maitre overview">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>
          <span className="brand-name">Maitre</span>
        </Link>
        <nav aria-label="Main">
          {sections.map((section) => (
            <div className="nav-section" key={section.title}>
              <div className="nav-section-title">{section.title}</div>
              <ul>
                {section.items.map((item) => (
                  <li key={item.to} className={item.count ? 'nav-item-with-count' : undefined}>
                    <NavLink
                      to={item.to}
                      end={item.to === '/'}
                      className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}
                    >
                      {item.label}
                    </NavLink>
                    {item.count ? <NavCount source={item.count.source} label={item.count.label} /> : null}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <div className="topbar-spacer" />
          <div className="user" data-testid="current-user">
            <div className="user-text">
              <span className="user-name">{user.name}</span>
              <span className="user-meta">
                {user.email} · {user.roles.join(', ') || 'no role'}
              </span>
            </div>
            <Form method="post" action="/logout">
              <button type="submit" className="button button-secondary">
                Sign out
              </button>
            </Form>
            <Form method="post" action="/logout">
              <input type="hidden" name="scope" value="everywhere" />
              <button
                type="submit"
                className="button button-secondary"
                title="Sign out everywhere: end your sessions in every browser and device"
              >
                End all sessions
              </button>
            </Form>
          </div>
        </header>
        <main className="content">{children}</main>
      </div>
    </div>
  )
}
