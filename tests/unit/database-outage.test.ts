import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from '../../server/db/outage.ts'
import { installProcessGuards } from '../../server/process-guards.ts'

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

describe('isDatabaseUnavailable', () => {
  it('recognises a database that is away, also wrapped by a query function', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true)
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true)
    expect(isDatabaseUnavailable(new Error('Query read timeout'))).toBe(true)
    expect(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true)
    expect(isDatabaseUnavailable(withCode('canceling statement due to statement timeout', '57014'))).toBe(true)
    const wrapped = new Error('Failed query: select 1', {
      cause: new Error('Connection terminated unexpectedly'),
    })
    expect(isDatabaseUnavailable(wrapped)).toBe(true)
  })

  it('leaves errors of the request or the code alone', () => {
    expect(isDatabaseUnavailable(withCode('duplicate key value', '23505'))).toBe(false)
    expect(isDatabaseUnavailable(withCode('invalid input syntax for type uuid', '22P02'))).toBe(false)
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false)
    expect(isDatabaseUnavailable(undefined)).toBe(false)
  })
})

describe('process guards', () => {
  it('log a database outage and carry on, but exit on any other uncaught exception', () => {
    const lines: string[] = []
    const exits: number[] = []
    const before = {
      rejection: process.listeners('unhandledRejection'),
      exception: process.listeners('uncaughtException'),
    }
    installProcessGuards({ log: (line) => lines.push(line), exit: (code) => exits.push(code) })
    const [onRejection] = process.listeners('unhandledRejection').filter((l) => !before.rejection.includes(l))
    const [onException] = process.listeners('uncaughtException').filter((l) => !before.exception.includes(l))
    try {
      onRejection!(withCode('connect ECONNREFUSED', 'ECONNREFUSED'), Promise.resolve())
      onException!(new Error('Connection terminated unexpectedly'), 'uncaughtException')
      expect(exits).toEqual([])
      onRejection!(new Error('a stray promise'), Promise.resolve())
      expect(exits).toEqual([])
      onException!(new TypeError('a bug'), 'uncaughtException')
      expect(exits).toEqual([1])
      expect(lines.some((line) => line.includes('carries on'))).toBe(true)
      expect(lines.some((line) => line.includes('exiting'))).toBe(true)
    } finally {
      process.off('unhandledRejection', onRejection!)
      process.off('uncaughtException', onException!)
    }
  })
})
