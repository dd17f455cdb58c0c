/** Luhn (mod 10) check over a string of digits, weights 2,1,2,1,… from the right-most payload digit. */
export function luhnValid (digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/** The check digit that makes `payload + digit` pass `luhnValid`. */
export function luhnCheckDigit (payload: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(payload + d)) return String(d)
  throw new Error('unreachable: one digit always completes a Luhn sequence')
}
