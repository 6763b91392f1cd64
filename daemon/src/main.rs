fn main() {
    let cfg = roomscribe::config::AsrConfig {
        model_dir: std::env::args().nth(2).unwrap().into(),
        ..Default::default()
    };
    let t = roomscribe::asr::Transcriber::load(&cfg).unwrap();
    let mut r = hound::WavReader::open(std::env::args().nth(1).unwrap()).unwrap();
    let s: Vec<f32> = r.samples::<i16>().map(|x| x.unwrap() as f32 / 32768.0).collect();
    let now = std::time::Instant::now();
    for seg in t.transcribe(&s).unwrap() {
        println!("{seg:?}");
    }
    eprintln!("{:?}", now.elapsed());
}
