//! The library call alone, for bench/run: `netdrive::list(Scope::Connected)` N times,
//! printing the median in milliseconds. Usage: list_timing [ROUNDS]
fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(15);
    let mut times = Vec::with_capacity(rounds);
    let mut count = 0;
    for _ in 0..rounds {
        let start = std::time::Instant::now();
        count = netdrive::list(netdrive::Scope::Connected).map(|c| c.len()).unwrap_or(0);
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!("{:.3} {count}", times[times.len() / 2]);
}
