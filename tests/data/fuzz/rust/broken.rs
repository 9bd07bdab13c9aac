//! Seed: a file that does not parse above a module declaration.
mod child;
fn broken( {
    let x = 'a
}
