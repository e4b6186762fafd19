import { describe, expect, it } from 'vitest'
import { parseRedisUrl } from '../../../src/main/cluster/connection'
import { UserError } from '../../../src/shared/errors'
import { concatChunks, decodeChunk, encodeChunk, jobIdOf, queuePrefix } from '../../../src/main/cluster/protocol'
import type { TrainedChunk } from '../../../src/main/engine/trainer'

describe('Redis URLs', () => {
  it('accepts redis:// with a password and rediss:// (TLS), and never shows the password', () => {
    const plain = parseRedisUrl('redis://:s3cret@10.0.0.5:6379/2')
    expect(plain).toMatchObject({ tls: false, display: 'redis://:***@10.0.0.5:6379/2' })
    expect(plain.url).toContain('s3cret')
    expect(parseRedisUrl('rediss://worker:pw@redis.lab:6380')).toMatchObject({ tls: true, display: 'rediss://worker:***@redis.lab:6380' })
  })

  it('refuses what is not a Redis URL, naming the problem', () => {
    expect(() => parseRedisUrl('http://host:6379')).toThrow(/'http:' is not a Redis URL scheme/)
    expect(() => parseRedisUrl('localhost:6379')).toThrow(/not a Redis URL scheme|is not a Redis URL/)
    expect(() => parseRedisUrl('redis://host:6379/queue')).toThrow(/not a database number/)
    expect(() => parseRedisUrl('not a url')).toThrow(/is not a Redis URL/)
  })

  it('is a user error (400 over HTTP, exit 2 in the CLI) that never echoes a password or an unbounded value', () => {
    const caught = (raw: string): Error => {
      try {
        parseRedisUrl(raw)
      } catch (e) {
        return e as Error
      }
      throw new Error(`${raw} was accepted`)
    }
    const e = caught('redis://admin:hunter2@[::1')
    expect(e).toBeInstanceOf(UserError)
    expect((e as UserError).status).toBe(400)
    expect(e.message).not.toContain('hunter2')
    expect(e.message).toContain('//***@')
    expect(caught(`x${'y'.repeat(100_000)}`).message.length).toBeLessThan(1000)
  })
})

describe('cluster protocol', () => {
  it('gives each database its own queue prefix (a Redis Cluster hash tag) and each run one job id', () => {
    expect(queuePrefix('/a/one.db', 'h')).not.toBe(queuePrefix('/a/two.db', 'h'))
    expect(queuePrefix('/a/one.db', 'h')).toBe(queuePrefix('/a/one.db', 'h'))
    expect(queuePrefix('/a/one.db', 'h')).not.toBe(queuePrefix('/a/one.db', 'other-host'))
    expect(queuePrefix('/a/one.db', 'h')).toMatch(/^\{awb-[0-9a-f]{16}\}$/)
    expect(jobIdOf(12)).toBe('run-12')
  })

  it('carries history chunks bit for bit, and refuses a chunk whose arrays do not fit', () => {
    const a: TrainedChunk = { steps: Uint32Array.of(1, 2), epochs: Uint16Array.of(0, 0), alphas: Float32Array.of(0.1, 0.2, 0.3, Math.fround(1 / 3), -0, 1e-40), losses: Float32Array.of(2.5, NaN) }
    const b: TrainedChunk = { steps: Uint32Array.of(3), epochs: Uint16Array.of(1), alphas: Float32Array.of(0.7, 0.8, 0.9), losses: Float32Array.of(1) }
    const joined = concatChunks([a, b], 3)
    const back = decodeChunk(JSON.parse(JSON.stringify(encodeChunk(joined))), 3)
    expect(Buffer.from(back.alphas.buffer).equals(Buffer.from(joined.alphas.buffer))).toBe(true)
    expect(Buffer.from(back.losses.buffer).equals(Buffer.from(joined.losses.buffer))).toBe(true)
    expect([...back.steps]).toEqual([1, 2, 3])
    expect([...back.epochs]).toEqual([0, 0, 1])
    expect(() => decodeChunk(encodeChunk(a), 2)).toThrow(/2 steps has 2 epochs, 2 losses and 6 α \(expected 4\)/)
    expect(() => decodeChunk({ ...encodeChunk(a), steps: 'AAA' }, 3)).toThrow(/not a multiple of 4/)
  })
})
